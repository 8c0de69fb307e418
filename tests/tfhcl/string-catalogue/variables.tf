# An image catalogue stored as comma-joined strings, split where it is used.
variable "vm_os_simple" {
  default = ""
}

variable "standard_os" {
  default = {
    "UbuntuServer" = "Canonical,UbuntuServer,18.04-LTS"
    "RHEL"         = "RedHat,RHEL,8.2"
    "CentOS"       = "OpenLogic,CentOS,7.6"
  }
}

variable "license_type" {
  default = ""
}
