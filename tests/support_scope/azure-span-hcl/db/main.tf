# The database pair: an Azure fence agent role assigned to the system identities of two RHEL for
# SAP with HA VMs (HA included, fenced as Azure supports), whose NICs sit in two subnets of one
# VNet: a warning.
resource "azurerm_virtual_network" "cluster" {
  name                = "cluster-vnet"
  location            = "westeurope"
  resource_group_name = "sap-rg"
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_subnet" "db_a" {
  name                 = "db-a"
  resource_group_name  = "sap-rg"
  virtual_network_name = azurerm_virtual_network.cluster.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_subnet" "db_b" {
  name                 = "db-b"
  resource_group_name  = "sap-rg"
  virtual_network_name = azurerm_virtual_network.cluster.name
  address_prefixes     = ["10.0.2.0/24"]
}

resource "azurerm_role_definition" "fence" {
  name  = "db fence agent role"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  permissions {
    actions = [
      "Microsoft.Compute/*/read",
      "Microsoft.Compute/virtualMachines/powerOff/action",
      "Microsoft.Compute/virtualMachines/start/action",
    ]
  }
}

resource "azurerm_network_interface" "db_a" {
  name                = "db-a-nic"
  location            = "westeurope"
  resource_group_name = "sap-rg"
  ip_configuration {
    name                          = "ipconfig"
    subnet_id                     = azurerm_subnet.db_a.id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_network_interface" "db_b" {
  name                = "db-b-nic"
  location            = "westeurope"
  resource_group_name = "sap-rg"
  ip_configuration {
    name                          = "ipconfig"
    subnet_id                     = azurerm_subnet.db_b.id
    private_ip_address_allocation = "Dynamic"
  }
}

locals {
  image = { publisher = "RedHat", offer = "RHEL-SAP-HA", sku = "9_4", version = "latest" }
}

resource "azurerm_linux_virtual_machine" "db_a" {
  name                  = "db-a"
  location              = "westeurope"
  resource_group_name   = "sap-rg"
  size                  = "Standard_E16ds_v5"
  admin_username        = "azureuser"
  network_interface_ids = [azurerm_network_interface.db_a.id]
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

resource "azurerm_linux_virtual_machine" "db_b" {
  name                  = "db-b"
  location              = "westeurope"
  resource_group_name   = "sap-rg"
  size                  = "Standard_E16ds_v5"
  admin_username        = "azureuser"
  network_interface_ids = [azurerm_network_interface.db_b.id]
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

resource "azurerm_role_assignment" "fence_db_a" {
  scope              = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sap-rg"
  role_definition_id = azurerm_role_definition.fence.role_definition_resource_id
  principal_id       = azurerm_linux_virtual_machine.db_a.identity[0].principal_id
}

resource "azurerm_role_assignment" "fence_db_b" {
  scope              = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sap-rg"
  role_definition_id = azurerm_role_definition.fence.role_definition_resource_id
  principal_id       = azurerm_linux_virtual_machine.db_b.identity[0].principal_id
}
