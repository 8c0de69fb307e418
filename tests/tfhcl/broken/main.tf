resource "azurerm_linux_virtual_machine" "vm" {
  source_image_reference {
    publisher = "RedHat"
    sku = 
  }
}
