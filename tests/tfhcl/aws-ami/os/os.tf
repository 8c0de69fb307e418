# AMIs chosen by data sources, flowing through locals into instances.
variable "os" {
  default = "rhel_9"
}

data "aws_ami" "rhel_9_payg" {
  count       = var.os == "rhel_9" ? 1 : 0
  owners      = ["309956199498"]
  most_recent = true

  filter {
    name   = "name"
    values = ["RHEL-9.4.0_HVM-*-x86_64-*-Hourly2-GP3"]
  }
}

data "aws_ami" "rhel_7" {
  count       = var.os == "rhel_7" ? 1 : 0
  owners      = ["309956199498"]
  name_regex  = "^RHEL-7\\.9_HVM-\\d+-x86_64-"
  most_recent = true
}

data "aws_ami" "any_rhel_8" {
  owners      = ["309956199498"]
  name_regex  = "^RHEL-8\\.10\\.0_HVM-\\d+-x86_64-"
  most_recent = true
}

locals {
  node_configs = {
    default = {
      ami_id = one(data.aws_ami.rhel_9_payg.*.id)
    }
  }
  workers = toset(["a", "b"])
}

resource "aws_instance" "controller" {
  count         = 1
  ami           = local.node_configs.default.ami_id
  instance_type = "t3.large"
}

resource "aws_instance" "worker" {
  for_each      = local.workers
  ami           = data.aws_ami.any_rhel_8.id
  instance_type = "t3.large"
  tags = {
    Name = "worker-${each.key}"
  }
}
