locals {
  os = split(",", lookup(var.standard_os, var.vm_os_simple, ""))
}

resource "azurerm_virtual_machine" "vm" {
  count = var.vm_os_simple == "" ? 0 : 1

  storage_image_reference {
    publisher = element(local.os, 0)
    offer     = element(local.os, 1)
    sku       = element(local.os, 2)
    version   = "latest"
  }

  license_type = length(var.license_type) > 0 ? var.license_type : null
}
