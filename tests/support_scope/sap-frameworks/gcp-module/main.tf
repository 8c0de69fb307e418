# Google's SAP HANA HA module (not fetched: only its inputs are visible) on the plain rhel-cloud
# image, which has neither the HA add-on nor the SAP content; and the same module on the
# RHEL for SAP with HA image (clean).
module "hana_ha_plain" {
  source                  = "terraform-google-modules/sap/google//modules/sap_hana_ha"
  version                 = "~> 1.0"
  project_id              = "erp-prod"
  machine_type            = "n2-highmem-32"
  linux_image             = "rhel-9-4"
  linux_image_project     = "rhel-cloud"
  primary_instance_name   = "hana-primary"
  primary_zone            = "europe-west4-a"
  secondary_instance_name = "hana-secondary"
  secondary_zone          = "europe-west4-b"
}

module "hana_ha_sap_image" {
  source                  = "terraform-google-modules/sap/google//modules/sap_hana_ha"
  version                 = "~> 1.0"
  project_id              = "erp-prod"
  machine_type            = "n2-highmem-32"
  linux_image             = "rhel-9-4-sap-ha"
  linux_image_project     = "rhel-sap-cloud"
  primary_instance_name   = "hana-ha-primary"
  primary_zone            = "europe-west4-a"
  secondary_instance_name = "hana-ha-secondary"
  secondary_zone          = "europe-west4-b"
}
