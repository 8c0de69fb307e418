param name string
param sku string

resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: '${name}-vm'
  location: 'westeurope'
  properties: {
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: 'RHEL'
        sku: sku
        version: 'latest'
      }
    }
  }
}

output vmName string = vm.name
