# Two RHEL 9 pay-as-you-go Graviton instances fenced by fence_aws: their role may stop and
# reboot instances. The AMI is a Red Hat Hourly2 (PAYG, no HA) image.
data "aws_ami" "rhel" {
  most_recent = true
  owners      = ["309956199498"]
  filter {
    name   = "name"
    values = ["RHEL-9.*_HVM-*-Hourly2-*"]
  }
}

resource "aws_iam_role" "node" {
  name = "ha-node-role"
  assume_role_policy = jsonencode({
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "fence" {
  name = "fence-aws"
  role = aws_iam_role.node.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ec2:DescribeInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_instance_profile" "node" {
  name = "ha-node-profile"
  role = aws_iam_role.node.name
}

resource "aws_instance" "node" {
  count                = 2
  ami                  = data.aws_ami.rhel.id
  instance_type        = "m7g.large"
  iam_instance_profile = aws_iam_instance_profile.node.name
}

# A single x86 instance with the same AMI and no role: not a cluster member.
resource "aws_instance" "web" {
  ami           = data.aws_ami.rhel.id
  instance_type = "m7i.large"
}
