// tests/arm/map-lookup-params-file in Bicep, with its JSON parameters file.
param location string = resourceGroup().location

@allowed([
  'Ubuntu'
  'RHEL-72'
  'RHEL-9'
])
param os string = 'Ubuntu'

var images = {
  Ubuntu: {
    publisher: 'Canonical'
    offer: 'UbuntuServer'
    sku: '18.04-LTS'
    version: 'latest'
  }
  'RHEL-72': {
    publisher: 'RedHat'
    offer: 'RHEL'
    sku: '7.2'
    version: 'latest'
  }
  'RHEL-9': {
    publisher: 'RedHat'
    offer: 'RHEL'
    sku: '9-lvm-gen2'
    version: 'latest'
  }
}

resource web 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: 'web'
  location: location
  properties: {
    storageProfile: {
      imageReference: images[os]
    }
  }
}
