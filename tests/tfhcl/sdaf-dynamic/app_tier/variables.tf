# An application tier in the style of SAP Deployment Automation: the image is an object
# variable consumed by dynamic blocks gated with range(cond ? 1 : 0).
variable "application_tier" {
  description = "Application tier settings"
}

variable "license_type" {
  default = ""
}

variable "deployment" {
  default = "new"
}

locals {
  enable_deployment = var.deployment != "none"
  app_os            = var.application_tier.app_os
}
