module "m" {
  source = "./"
  count  = 4
}
resource "aws_instance" "a" {
  ami = "ami-1"
}
