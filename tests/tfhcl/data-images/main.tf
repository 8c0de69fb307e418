data "google_compute_image" "rhel" {
  family  = "rhel-9"
  project = "rhel-cloud"
}

resource "google_compute_instance" "vm" {
  name = "vm"
  zone = "europe-west1-b"
  boot_disk {
    initialize_params {
      image = data.google_compute_image.rhel.self_link
    }
  }
}

data "azurerm_platform_image" "rhel" {
  location  = "westeurope"
  publisher = "RedHat"
  offer     = "RHEL"
  sku       = "8_4"
}

resource "azurerm_managed_disk" "os" {
  name                 = "os"
  create_option        = "FromImage"
  image_reference_id   = data.azurerm_platform_image.rhel.id
}

resource "azurerm_linux_virtual_machine" "sha" {
  name = "uses-an-unknown-function"
  source_image_reference {
    publisher = "RedHat"
    offer     = "RHEL"
    sku       = substr("9_4xx", 0, 3)
    version   = "latest"
  }
}
