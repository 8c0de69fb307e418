// A JSON parameters file beside the template; its value is not one of @allowed.
@allowed([
  '8_10'
  '9_6'
])
param sku string = '9_6'

resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'vm'
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
