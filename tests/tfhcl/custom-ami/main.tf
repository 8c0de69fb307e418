# Images a team built itself: RHEL by name (custom, so BYOS), and look-alikes that are not RHEL.
data "aws_ami" "hardened" {
  owners      = ["self"]
  most_recent = true

  filter {
    name   = "name"
    values = ["RHEL-9-cis-hardened-*"]
  }
}

data "aws_ami" "golden" {
  owners      = ["111122223333"]
  name_regex  = "^base-rhel-8\\.10-\\d+"
  most_recent = true
}

resource "aws_instance" "app" {
  ami           = data.aws_ami.hardened.id
  instance_type = "m6i.large"
}

resource "aws_instance" "batch" {
  ami           = data.aws_ami.golden.id
  instance_type = "m6i.large"
}

# Not RHEL: rebuilds and other distributions whose names mention RHEL or look like it.
data "aws_ami" "rocky" {
  owners = ["self"]
  filter {
    name   = "name"
    values = ["rhel-compatible-rocky-9-*"]
  }
}

data "aws_ami" "centos" {
  owners = ["self"]
  filter {
    name   = "name"
    values = ["centos-7-rhel-like-*"]
  }
}

data "aws_ami" "alma" {
  owners = ["self"]
  filter {
    name   = "name"
    values = ["almalinux-9-golden-*"]
  }
}

data "aws_ami" "oracle" {
  owners = ["self"]
  filter {
    name   = "name"
    values = ["ol8-golden-*"]
  }
}

resource "aws_instance" "rocky" {
  ami           = data.aws_ami.rocky.id
  instance_type = "m6i.large"
}

resource "aws_instance" "centos" {
  ami           = data.aws_ami.centos.id
  instance_type = "m6i.large"
}

resource "aws_instance" "alma" {
  ami           = data.aws_ami.alma.id
  instance_type = "m6i.large"
}

resource "aws_instance" "oracle" {
  ami           = data.aws_ami.oracle.id
  instance_type = "m6i.large"
}
