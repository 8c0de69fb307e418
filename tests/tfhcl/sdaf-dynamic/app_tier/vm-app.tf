resource "azurerm_linux_virtual_machine" "app" {
  count = local.enable_deployment && upper(local.app_os.os_type) == "LINUX" ? (
    var.application_tier.application_server_count) : (
    0
  )
  name            = format("%s-app%02d", var.application_tier.sid, count.index)
  location        = try(var.application_tier.location, "westeurope")
  source_image_id = local.app_os.type == "custom" ? local.app_os.source_image_id : null
  license_type    = length(var.license_type) > 0 ? var.license_type : null

  dynamic "source_image_reference" {
    for_each = range(local.app_os.type == "marketplace" || local.app_os.type == "marketplace_with_plan" ? 1 : 0)
    content {
      publisher = local.app_os.publisher
      offer     = local.app_os.offer
      sku       = local.app_os.sku
      version   = local.app_os.version
    }
  }

  dynamic "plan" {
    for_each = range(local.app_os.type == "marketplace_with_plan" ? 1 : 0)
    content {
      name      = local.app_os.sku
      publisher = local.app_os.publisher
      product   = local.app_os.offer
    }
  }
}

resource "azurerm_windows_virtual_machine" "app" {
  count = upper(local.app_os.os_type) == "WINDOWS" ? var.application_tier.application_server_count : 0
  name  = "never"
}
