param sku string = '7.2'

resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'vm'
  properties: {
    storageProfile: {
      imageReference: {
        sku: sku
      }
    }
  location: 'westeurope'
}
