# An SAP Deployment Automation Framework system file, read without the framework's modules: a
# highly available HANA database tier (database_high_availability) on the plain RHEL offer
# (neither HA nor SAP content), and a single SCS on RHEL for SAP with HA.
environment                = "DEV"
location                   = "westeurope"
sid                        = "X02"
database_platform          = "HANA"
database_server_count      = 1
database_high_availability = true
database_size              = "E20ds_v5"
database_vm_image = {
  os_type         = "LINUX",
  source_image_id = "",
  publisher       = "RedHat",
  offer           = "RHEL",
  sku             = "9_4",
  version         = "latest",
  type            = "marketplace"
}
scs_server_count      = 1
scs_high_availability = false
scs_server_image = {
  os_type         = "LINUX",
  source_image_id = "",
  publisher       = "RedHat",
  offer           = "RHEL-SAP-HA",
  sku             = "9_4",
  version         = "latest",
  type            = "marketplace"
}
