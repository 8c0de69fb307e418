param imageSku string
param location string

resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'worker-vm'
  location: location
  properties: {
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: 'RHEL'
        sku: imageSku
        version: 'latest'
      }
    }
  }
}

output vmName string = vm.name
