image = {
  publisher = "RedHat"
  offer     = "rhel-byos"
  sku       = "rhel-lvm86"
}
