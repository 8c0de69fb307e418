// tests/arm/conditions-and-counts in Bicep.
param location string = resourceGroup().location
param deployLegacy bool = false
param nodes int = 3
param extra bool

var rhel7 = {
  publisher: 'RedHat'
  offer: 'RHEL'
  sku: '7.9'
  version: 'latest'
}

resource legacy 'Microsoft.Compute/virtualMachines@2023-03-01' = if (deployLegacy) {
  name: 'legacy'
  location: location
  properties: {
    storageProfile: {
      imageReference: rhel7
    }
  }
}

resource nodeVms 'Microsoft.Compute/virtualMachines@2023-03-01' = [for i in range(1, nodes): {
  name: 'node${i}'
  location: location
  properties: {
    storageProfile: {
      imageReference: rhel7
    }
  }
}]

resource maybe 'Microsoft.Compute/virtualMachines@2023-03-01' = if (extra) {
  name: 'maybe'
  location: location
  properties: {
    storageProfile: {
      imageReference: rhel7
    }
  }
}

resource pool 'Microsoft.Compute/virtualMachineScaleSets@2023-03-01' = {
  name: 'pool'
  location: 'westeurope'
  sku: {
    name: 'Standard_D2s_v5'
    capacity: nodes * 2
  }
  properties: {
    virtualMachineProfile: {
      storageProfile: {
        imageReference: rhel7
      }
      licenseType: 'RHEL_BYOS'
    }
  }
}
