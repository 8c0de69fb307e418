// Interpolation, ternaries, a user-defined function, existing and child resources,
// a scale set with a plan, a loaded cloud-init script and a filtered loop.
targetScope = 'resourceGroup'

@description('Environment name')
@minLength(2)
param env string = 'prod'

param useByos bool = false

type sizeName = 'small' | 'large'

func rhelSku(major string, lvm bool) string => lvm ? '${major}-lvm-gen2' : '${major}_4'

var prefix = 'rhel-${env}'
var sizes = {
  small: 'Standard_D2s_v5'
  large: 'Standard_E8s_v5'
}
var fleet = [
  { name: 'a', major: '8', deploy: true }
  { name: 'b', major: '9', deploy: false }
]

resource vault 'Microsoft.KeyVault/vaults@2023-02-01' existing = {
  name: 'kv-${env}'
}

resource app 'Microsoft.Compute/virtualMachines@2023-03-01' = {
  name: '${prefix}-app'
  location: 'westeurope'
  properties: {
    hardwareProfile: {
      vmSize: sizes.small
    }
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: useByos ? 'rhel-byos' : 'RHEL'
        sku: rhelSku('8', false)
        version: 'latest'
      }
    }
    osProfile: {
      computerName: 'app'
      adminUsername: 'azureuser'
      customData: base64(loadTextContent('scripts/cloud-init.txt'))
    }
  }

  resource installer 'extensions@2023-03-01' = {
    name: 'installer'
    location: 'westeurope'
    properties: {
      publisher: 'Microsoft.Azure.Extensions'
      type: 'CustomScript'
      typeHandlerVersion: '2.1'
      settings: {
        commandToExecute: 'subscription-manager repos --enable rhel-8-for-x86_64-sap-solutions-rpms && echo ${vault.name}'
      }
    }
  }
}

resource pool 'Microsoft.Compute/virtualMachineScaleSets@2023-03-01' = {
  name: '${prefix}-pool'
  location: 'westeurope'
  sku: {
    name: sizes.large
    capacity: 4
  }
  plan: {
    name: 'rhel-lvm94'
    publisher: 'redhat'
    product: 'rhel-byos'
  }
  properties: {
    virtualMachineProfile: {
      storageProfile: {
        imageReference: {
          publisher: 'redhat'
          offer: 'rhel-byos'
          sku: 'rhel-lvm94'
          version: 'latest'
        }
      }
    }
  }
}

resource fleetVms 'Microsoft.Compute/virtualMachines@2023-03-01' = [for (item, i) in fleet: if (item.deploy) {
  name: '${prefix}-${item.name}-${i}'
  location: 'westeurope'
  properties: {
    storageProfile: {
      imageReference: {
        publisher: 'RedHat'
        offer: 'RHEL'
        sku: rhelSku(item.major, true)
        version: 'latest'
      }
    }
  }
}]

output appName string = app.name
