using 'main.bicep'

var major = '8'
param sku = '${major}_6'
