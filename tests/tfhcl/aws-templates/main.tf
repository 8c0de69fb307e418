# A launch template used by an auto scaling group and an instance; boot scripts from a file.
resource "aws_launch_template" "rhel" {
  name_prefix   = "rhel-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "m5.large"
  user_data     = base64encode(templatefile("${path.module}/boot.sh", { pool = var.pool }))
}

variable "pool" {
  default = "8a85f98c60c2c2b40160c324e5d21d70"
}

resource "aws_autoscaling_group" "web" {
  desired_capacity = 3
  max_size         = 5
  min_size         = 1

  launch_template {
    id      = aws_launch_template.rhel.id
    version = "$Latest"
  }
}

resource "aws_instance" "bastion" {
  launch_template {
    name = aws_launch_template.rhel.name
  }
  user_data = "#!/bin/bash\nsubscription-manager register --activationkey=web --org=12345\n"
}

resource "aws_instance" "nosy" {
  ami       = "ami-0123456789abcdef0"
  user_data = file("/etc/passwd")
}
