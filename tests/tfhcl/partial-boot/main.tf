# A PAYG RHEL VM whose boot script has one unknown part (the org id has no value): the known
# commands around it still show `subscription-manager attach --auto`.
variable "org_id" {
  type        = string
  description = "Red Hat organization id"
}

resource "azurerm_linux_virtual_machine" "app" {
  name = "app-01"
  custom_data = base64encode(<<-EOT
    #!/bin/bash
    subscription-manager register --org ${var.org_id} --activationkey rhel-app
    subscription-manager attach --auto
  EOT
  )
  source_image_reference {
    publisher = "RedHat"
    offer     = "RHEL"
    sku       = "9-lvm-gen2"
    version   = "latest"
  }
}
