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
