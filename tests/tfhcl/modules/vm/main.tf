variable "sku" {}
variable "name" {}

resource "azurerm_linux_virtual_machine" "this" {
  name = var.name
  source_image_reference {
    publisher = "RedHat"
    offer     = "RHEL"
    sku       = var.sku
    version   = "latest"
  }
}

output "image_urn" {
  value = join(":", ["RedHat", "RHEL", var.sku])
}
