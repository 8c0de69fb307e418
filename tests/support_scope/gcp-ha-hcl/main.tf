# Two RHEL 9 pay-as-you-go instances (rhel-cloud, no SAP/HA image) fenced by fence_gce: their
# service account holds a custom role that may stop, start and reset instances.
resource "google_service_account" "fence" {
  account_id   = "ha-fence"
  display_name = "fence_gce for the HA nodes"
}

resource "google_project_iam_custom_role" "fence" {
  role_id     = "fenceGce"
  title       = "fence_gce"
  permissions = ["compute.instances.get", "compute.instances.list", "compute.instances.reset", "compute.instances.start", "compute.instances.stop", "compute.zoneOperations.get"]
}

resource "google_project_iam_member" "fence" {
  project = "erp-prod"
  role    = google_project_iam_custom_role.fence.id
  member  = "serviceAccount:${google_service_account.fence.email}"
}

resource "google_compute_instance" "node" {
  count        = 2
  name         = "ha-node-${count.index}"
  machine_type = "n2-standard-4"
  zone         = "europe-west1-b"
  boot_disk {
    initialize_params {
      image = "rhel-cloud/rhel-9"
    }
  }
  network_interface {
    network = "default"
  }
  service_account {
    email  = google_service_account.fence.email
    scopes = ["cloud-platform"]
  }
}

# A provisioning role (it creates and deletes instances) on a single builder: no fencing.
resource "google_project_iam_custom_role" "builder" {
  role_id     = "builder"
  title       = "builder"
  permissions = ["compute.instances.create", "compute.instances.delete", "compute.instances.start", "compute.instances.stop"]
}

resource "google_compute_instance" "builder" {
  name         = "builder"
  machine_type = "e2-standard-2"
  zone         = "europe-west1-b"
  boot_disk {
    initialize_params {
      image = "rhel-cloud/rhel-9"
    }
  }
  network_interface {
    network = "default"
  }
}
