// Two parameters files for one template: two deployments, each checked on its own.
param sku string = '9_6'
param count int = 1

resource vms 'Microsoft.Compute/virtualMachines@2023-03-01' = [for i in range(0, count): {
  name: 'vm${i}'
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
}]
