// A local module in a loop and under a condition; its output read back.
param deploySap bool = true

var tiers = [
  { name: 'web', sku: '9_6' }
  { name: 'db', sku: '8_8' }
]

module tier './modules/tier.bicep' = [for t in tiers: {
  name: 'tier-${t.name}'
  params: {
    name: t.name
    sku: t.sku
  }
}]

module sap './modules/tier.bicep' = if (deploySap) {
  name: 'tier-sap'
  params: {
    name: 'sap'
    sku: '7.6'
  }
}

output sapVm string = sap.outputs.vmName
