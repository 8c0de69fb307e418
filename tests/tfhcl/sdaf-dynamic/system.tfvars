application_tier = {
  sid                      = "X00"
  application_server_count = 2
  app_os = {
    os_type   = "LINUX"
    type      = "marketplace_with_plan"
    publisher = "RedHat"
    offer     = "RHEL-SAP-HA"
    sku       = "88sapha-gen2"
    version   = "latest"
  }
}
license_type = "RHEL_BYOS"
