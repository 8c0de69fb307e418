# The application pair: an Azure fence agent role assigned to the system identities of two RHEL
# for SAP with HA VMs, whose NICs share one subnet, written once as a reference to the subnet
# resource and once as its literal id: one subnet, no warning.
resource "azurerm_virtual_network" "cluster" {
  name                = "cluster-vnet"
  location            = "westeurope"
  resource_group_name = "sap-rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "app" {
  name                 = "app"
  resource_group_name  = "sap-rg"
  virtual_network_name = azurerm_virtual_network.cluster.name
  address_prefixes     = ["10.0.1.0/24"]
}


resource "azurerm_role_definition" "fence" {
  name  = "app fence agent role"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  permissions {
    actions = [
      "Microsoft.Compute/*/read",
      "Microsoft.Compute/virtualMachines/powerOff/action",
      "Microsoft.Compute/virtualMachines/start/action",
    ]
  }
}

resource "azurerm_network_interface" "app_a" {
  name                = "app-a-nic"
  location            = "westeurope"
  resource_group_name = "sap-rg"
  ip_configuration {
    name                          = "ipconfig"
    subnet_id                     = azurerm_subnet.app.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface" "app_b" {
  name                = "app-b-nic"
  location            = "westeurope"
  resource_group_name = "sap-rg"
  ip_configuration {
    name                          = "ipconfig"
    subnet_id                     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sap-rg/providers/Microsoft.Network/virtualNetworks/cluster-vnet/subnets/app"
    private_ip_address_allocation = "Dynamic"
  }
}

locals {
  image = { publisher = "RedHat", offer = "RHEL-SAP-HA", sku = "9_4", version = "latest" }
}

resource "azurerm_linux_virtual_machine" "app_a" {
  name                  = "app-a"
  location              = "westeurope"
  resource_group_name   = "sap-rg"
  size                  = "Standard_E16ds_v5"
  admin_username        = "azureuser"
  network_interface_ids = [azurerm_network_interface.app_a.id]
  identity {
    type = "SystemAssigned"
  }
  source_image_reference {
    publisher = local.image.publisher
    offer     = local.image.offer
    sku       = local.image.sku
    version   = local.image.version
  }
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
}

resource "azurerm_linux_virtual_machine" "app_b" {
  name                  = "app-b"
  location              = "westeurope"
  resource_group_name   = "sap-rg"
  size                  = "Standard_E16ds_v5"
  admin_username        = "azureuser"
  network_interface_ids = [azurerm_network_interface.app_b.id]
  identity {
    type = "SystemAssigned"
  }
  source_image_reference {
    publisher = local.image.publisher
    offer     = local.image.offer
    sku       = local.image.sku
    version   = local.image.version
  }
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
}

resource "azurerm_role_assignment" "fence_app_a" {
  scope              = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sap-rg"
  role_definition_id = azurerm_role_definition.fence.role_definition_resource_id
  principal_id       = azurerm_linux_virtual_machine.app_a.identity[0].principal_id
}

resource "azurerm_role_assignment" "fence_app_b" {
  scope              = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sap-rg"
  role_definition_id = azurerm_role_definition.fence.role_definition_resource_id
  principal_id       = azurerm_linux_virtual_machine.app_b.identity[0].principal_id
}
