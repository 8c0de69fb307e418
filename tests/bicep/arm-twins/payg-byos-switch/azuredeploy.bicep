// tests/arm/payg-byos-switch in Bicep.
param location string = resourceGroup().location

@allowed([
  'PAYG'
  'BYOS'
])
param licenseModel string = 'PAYG'

var payg = {
  publisher: 'redhat'
  offer: 'rhel'
  sku: '8_4'
  version: 'latest'
}
var byos = {
  publisher: 'redhat'
  offer: 'rhel-byos'
  sku: 'rhel-lvm84'
  version: 'latest'
}
var plan = {
  name: 'rhel-lvm84'
  publisher: 'redhat'
  product: 'rhel-byos'
}

resource vms 'Microsoft.Compute/virtualMachines@2023-03-01' = [for i in range(0, 2): {
  name: 'app-${i}'
  location: location
  plan: licenseModel == 'PAYG' ? null : plan
  properties: {
    storageProfile: {
      imageReference: licenseModel == 'PAYG' ? payg : byos
    }
  }
}]
