# Sizes in Terraform source: AWS Graviton, GCP Arm and x86, an Azure SAP size, and one the catalog does not know.
resource "aws_instance" "graviton" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m7g.large"
}

resource "aws_launch_template" "x86" {
  image_id      = "ami-0123456789abcdef0"
  instance_type = var.size
}

variable "size" {
  default = "r6i.4xlarge"
}

resource "google_compute_instance" "axion" {
  name         = "axion"
  zone         = "us-central1-a"
  machine_type = "c4a-standard-8"
  boot_disk {
    initialize_params {
      image = "rhel-cloud/rhel-9-arm64"
    }
  }
}

resource "azurerm_linux_virtual_machine" "hana" {
  name                = "hana"
  location            = "westeurope"
  size                = "Standard_M64s"
  source_image_reference {
    publisher = "RedHat"
    offer     = "RHEL-SAP-HA"
    sku       = "9_4"
    version   = "latest"
  }
}

resource "aws_instance" "future" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "z99g.large"
}
