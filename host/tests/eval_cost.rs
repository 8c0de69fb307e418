//! What one evaluation costs the guest, counted in wasm instructions (fuel), which
//! wasmtime reports deterministically: the bound does not depend on the machine or its
//! load, so it cannot flake. It fails when an evaluation of a small input does far more
//! guest work than it does now, for example when every fresh instance parses its
//! policy's catalog tables again (what the prepared snapshot of decision 130 removed;
//! the test shows that would cost almost five times the whole evaluation).

use std::path::PathBuf;

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, LoadedInput, Runtime, RuntimeOptions};

/// A 2.5 KB ARM template: one VM on RHEL 7.2 (RHEL-LC-MAJOR-EOL fires as of 2026-11-25)
/// and the network resources a real one has.
const SMALL_ARM: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"location": {"type": "string", "defaultValue": "westeurope"}, "adminUsername": {"type": "string", "defaultValue": "azureuser"}},
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "vnet", "location": "[parameters('location')]",
     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [{"name": "default", "properties": {"addressPrefix": "10.0.0.0/24"}}]}},
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-04-01", "name": "web1-ip", "location": "[parameters('location')]",
     "properties": {"publicIPAllocationMethod": "Static"}, "sku": {"name": "Standard"}},
    {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-04-01", "name": "web1-nic", "location": "[parameters('location')]",
     "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]", "[resourceId('Microsoft.Network/publicIPAddresses', 'web1-ip')]"],
     "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {"privateIPAllocationMethod": "Dynamic",
       "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'default')]"},
       "publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', 'web1-ip')]"}}}]}},
    {"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "web1", "location": "[parameters('location')]",
     "dependsOn": ["[resourceId('Microsoft.Network/networkInterfaces', 'web1-nic')]"],
     "tags": {"app": "web", "owner": "team-a", "environment": "production"},
     "properties": {
       "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
       "osProfile": {"computerName": "web1", "adminUsername": "[parameters('adminUsername')]",
         "linuxConfiguration": {"disablePasswordAuthentication": true}},
       "storageProfile": {"imageReference": {"publisher": "RedHat", "offer": "RHEL", "sku": "7.2", "version": "latest"},
         "osDisk": {"createOption": "FromImage", "managedDisk": {"storageAccountType": "Premium_LRS"}}},
       "networkProfile": {"networkInterfaces": [{"id": "[resourceId('Microsoft.Network/networkInterfaces', 'web1-nic')]"}]}}}
  ]
}"#;

/// Fuel of one evaluation of rhel-lifecycle on the small template, from a fresh
/// instance of its prepared snapshot. Measured on 2026-12-07: 143 k (the same policy
/// with the catalog sent and parsed: 686 k). The bound leaves room for new rules, not
/// for a pass over the catalog per evaluation.
const MAX_FUEL: u64 = 200_000;

struct Setup {
    checker: Checker,
    input: LoadedInput,
    options: CheckOptions,
    dir: PathBuf,
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn setup() -> Setup {
    let dir = std::env::temp_dir().join(format!("entitle-eval-cost-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("small.json");
    std::fs::write(&file, SMALL_ARM).unwrap();
    assert!((2000..3000).contains(&SMALL_ARM.len()), "the template is {} bytes", SMALL_ARM.len());
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let options = RuntimeOptions { cache: CacheMode::Dir(cache), meter_fuel: true, ..RuntimeOptions::default() };
    let runtime = Runtime::new(options).unwrap();
    // Only rhel-lifecycle: metered code is cached apart, and a cold cache compiles
    // three modules per policy (the policy, its instrumented copy and its snapshot).
    let (_, wasm) =
        entitle::BUILTIN_POLICIES.iter().find(|(name, _)| *name == "rhel_lifecycle.wasm").expect("built in");
    let policies = vec![entitle::Policy::load(&runtime, "builtin:rhel_lifecycle.wasm", wasm).unwrap()];
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let options = CheckOptions::new("2026-11-25".parse().unwrap());
    let (files, errors) = entitle::discover(&[file]);
    assert!(errors.is_empty(), "{errors:?}");
    let mut errors = Vec::new();
    let mut inputs = entitle::read_all(&files, &checker.catalog.catalog, &options.read, 1, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let input = inputs.pop().expect("the template is read");
    assert_eq!(input.workloads.len(), 1, "one VM");
    Setup { checker, input, options, dir }
}

/// The fuel one evaluation of `policy` uses on the setup's input, and its finding count.
fn fuel(setup: &Setup, policy: &entitle::Policy, request: &[u8], prepared: Option<&entitle::Prepared>) -> (u64, usize) {
    let evaluated = policy
        .evaluate_prepared(&setup.checker.runtime, prepared, request, &setup.input.path)
        .unwrap_or_else(|e| panic!("{}: {e}", policy.id()));
    (evaluated.fuel.expect("the runtime meters fuel"), evaluated.findings.len())
}

#[test]
fn one_evaluation_of_a_small_input_stays_within_its_guest_instruction_budget() {
    let setup = setup();
    let policy = &setup.checker.policies[0];
    let (request, prepared) =
        entitle::authoring::request(&setup.checker, policy, b"null", &[&setup.input], &setup.options);
    assert!(prepared.is_some(), "the policy is prepared with its catalog (there is a cache)");
    let (first, found) = fuel(&setup, policy, &request, prepared.as_ref());
    let (again, _) = fuel(&setup, policy, &request, prepared.as_ref());
    assert_eq!(first, again, "a fresh instance does the same work every time");
    assert_eq!(found, 1, "RHEL 7.2 is past its end of maintenance");

    // The request as a host without a snapshot sends it: the catalog tables in every request.
    let catalog = serde_json::to_vec(&setup.checker.catalog.catalog.subset(&policy.metadata.catalog)).unwrap();
    let rest = request.strip_prefix(b"{\"settings\":null,".as_slice()).expect("the request starts with its settings");
    let mut with_catalog = b"{\"settings\":null,\"catalog\":".to_vec();
    with_catalog.extend_from_slice(&catalog);
    with_catalog.push(b',');
    with_catalog.extend_from_slice(rest);
    let (sent, sent_found) = fuel(&setup, policy, &with_catalog, None);
    eprintln!("rhel-lifecycle: {first} wasm instructions prepared, {sent} with the catalog sent");
    assert_eq!(found, sent_found, "the same findings either way");
    assert!(first <= MAX_FUEL, "{first} wasm instructions for one 2.5 KB input, over {MAX_FUEL}");
    assert!(sent > MAX_FUEL, "the bound catches a catalog parsed per evaluation ({sent} instructions)");
}
