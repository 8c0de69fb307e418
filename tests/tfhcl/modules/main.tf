# A root module calling a local module (its outputs used here) and two registry modules.
variable "rhel_sku" {
  default = "8_6"
}

module "vm" {
  source = "./vm"
  sku    = var.rhel_sku
  name   = "web"
}

locals {
  vm_image = module.vm.image_urn
}

module "compute" {
  source          = "Azure/compute/azurerm"
  version         = "~> 3.0"
  vm_os_publisher = "RedHat"
  vm_os_offer     = "RHEL"
  vm_os_sku       = "7.4"
}

module "gitvm" {
  source = "git::https://example.com/vm.git"
  size   = "small"
}

resource "azurerm_linux_virtual_machine" "uses_output" {
  source_image_reference {
    publisher = split(":", local.vm_image)[0]
    offer     = split(":", local.vm_image)[1]
    sku       = split(":", local.vm_image)[2]
    version   = "latest"
  }
}

variable "enabled" {
  default = false
}

module "gated" {
  source = "./vm"
  count  = var.enabled ? 1 : 0
  sku    = "7_9"
  name   = "never"
}

module "pair" {
  source   = "./vm"
  for_each = toset(["a", "b"])
  sku      = "9_4"
  name     = each.key
}

module "maybe" {
  source = "./vm"
  count  = var.replicas
  sku    = module.pair["a"].image_urn == "RedHat:RHEL:9_4" ? "9_6" : "8_10"
  name   = "maybe"
}
