# RHEL 9 PAYG (Hourly2) on Graviton, with an ELRepo mainline kernel and DKMS at boot.
data "aws_ami" "rhel_9" {
  owners      = ["309956199498"]
  most_recent = true
  filter {
    name   = "name"
    values = ["RHEL-9.4.0_HVM-*-arm64-*-Hourly2-GP3"]
  }
}

resource "aws_instance" "app" {
  ami           = data.aws_ami.rhel_9.id
  instance_type = "m7g.large"
  user_data     = <<-EOT
    #!/bin/bash
    rpm --import https://www.elrepo.org/RPM-GPG-KEY-elrepo.org
    dnf install -y https://www.elrepo.org/elrepo-release-9.el9.elrepo.noarch.rpm
    dnf --enablerepo=elrepo-kernel install -y kernel-ml
    dkms autoinstall
  EOT
}

resource "google_compute_instance" "livepatched" {
  name         = "livepatched"
  zone         = "europe-west1-b"
  machine_type = "n2-standard-8"
  boot_disk {
    initialize_params {
      image = "rhel-cloud/rhel-9"
    }
  }
  metadata_startup_script = "curl -s -L https://kernelcare.com/installer | bash && kcarectl --register $KEY"
}
