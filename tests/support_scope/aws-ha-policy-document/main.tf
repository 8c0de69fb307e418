# Two RHEL 9 pay-as-you-go instances (Hourly2 AMI, no HA) whose role may stop, start and reboot
# instances, the policy written with `data "aws_iam_policy_document"` (Terraform computes its
# `json` while planning): fence_aws. The builder's document merges another one, which entitle
# does not compute: no evidence, no finding.
data "aws_ami" "rhel" {
  most_recent = true
  owners      = ["309956199498"]
  filter {
    name   = "name"
    values = ["RHEL-9.*_HVM-*-Hourly2-*"]
  }
}

data "aws_iam_policy_document" "fence" {
  statement {
    effect    = "Allow"
    actions   = ["ec2:DescribeInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "node" {
  name = "ha-node-role"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "fence" {
  name   = "fence-aws"
  role   = aws_iam_role.node.id
  policy = data.aws_iam_policy_document.fence.json
}

resource "aws_iam_instance_profile" "node" {
  name = "ha-node-profile"
  role = aws_iam_role.node.name
}

resource "aws_instance" "node" {
  count                = 2
  ami                  = data.aws_ami.rhel.id
  instance_type        = "m7i.large"
  iam_instance_profile = aws_iam_instance_profile.node.name
}

data "aws_iam_policy_document" "builder" {
  source_policy_documents = [aws_iam_role.node.assume_role_policy]
  statement {
    actions   = ["ec2:StopInstances", "ec2:StartInstances"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "builder" {
  name               = "builder-role"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "builder" {
  name   = "builder"
  role   = aws_iam_role.builder.id
  policy = data.aws_iam_policy_document.builder.json
}

resource "aws_iam_instance_profile" "builder" {
  name = "builder-profile"
  role = aws_iam_role.builder.name
}

resource "aws_instance" "builder" {
  count                = 2
  ami                  = data.aws_ami.rhel.id
  instance_type        = "m7i.large"
  iam_instance_profile = aws_iam_instance_profile.builder.name
}
