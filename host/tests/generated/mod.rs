//! Generated plans and ARM templates of any size, for the tests that hold large inputs to linear cost and bounded
//! memory (`linear_cost.rs`, `peak_heap.rs`).

/// A one-line plan of `n` groups: a RHEL VM (Azure, or AWS every third) and four other resources, each in
/// `planned_values` and in `resource_changes`, as Terraform writes them.
pub fn plan(n: usize) -> String {
    let (mut changes, mut planned) = (Vec::new(), Vec::new());
    for i in 0..n {
        let mut change = |ty: &str, name: String, after: String| {
            let head =
                format!("\"address\":\"{ty}.{name}\",\"mode\":\"managed\",\"type\":\"{ty}\",\"name\":\"{name}\"");
            planned.push(format!("{{{head},\"values\":{after}}}"));
            format!(
                "{{{head},\"change\":{{\"actions\":[\"create\"],\"before\":null,\"after\":{after},\"after_unknown\":{{}}}}}}"
            )
        };
        if i % 3 == 2 {
            let after = format!(
                "{{\"ami\":\"ami-{i:017x}\",\"instance_type\":\"m5.large\",\"tags\":{{\"Name\":\"app-{i}\",\"os\":\"rhel\"}}}}"
            );
            changes.push(change("aws_instance", format!("app_{i}"), after));
        } else {
            let after = format!(
                "{{\"location\":\"westeurope\",\"size\":\"Standard_D2s_v5\",\"admin_username\":\"azureuser\",\
                 \"source_image_reference\":[{{\"publisher\":\"RedHat\",\"offer\":\"RHEL\",\"sku\":\"8_{}\",\"version\":\"latest\"}}],\
                 \"tags\":{{\"app\":\"app-{i}\"}}}}",
                i % 10
            );
            changes.push(change("azurerm_linux_virtual_machine", format!("vm_{i}"), after));
        }
        for (k, ty) in ["azurerm_network_interface", "azurerm_public_ip", "aws_security_group", "azurerm_managed_disk"]
            .iter()
            .enumerate()
        {
            let after = format!(
                "{{\"name\":\"{ty}-{i}\",\"location\":\"westeurope\",\"settings\":[{{\"k\":\"v{k}\",\"ports\":[22,80,443]}}],\
                 \"tags\":{{\"app\":\"app-{i}\",\"team\":\"t{}\"}}}}",
                i % 7
            );
            changes.push(change(ty, format!("r{k}_{i}"), after));
        }
    }
    format!(
        "{{\"format_version\":\"1.2\",\"terraform_version\":\"1.10.5\",\
         \"planned_values\":{{\"root_module\":{{\"resources\":[{}]}}}},\"resource_changes\":[{}]}}",
        planned.join(","),
        changes.join(",")
    )
}

/// An ARM template of `n` groups: a RHEL VM and two other resources.
pub fn arm(n: usize) -> String {
    let mut resources = Vec::new();
    for i in 0..n {
        resources.push(format!(
            "{{\"type\":\"Microsoft.Compute/virtualMachines\",\"apiVersion\":\"2023-03-01\",\"name\":\"vm-{i}\",\
             \"location\":\"[parameters('location')]\",\"properties\":{{\"hardwareProfile\":{{\"vmSize\":\"Standard_D2s_v5\"}},\
             \"storageProfile\":{{\"imageReference\":{{\"publisher\":\"RedHat\",\"offer\":\"RHEL\",\"sku\":\"8_{}\",\
             \"version\":\"latest\"}},\"osDisk\":{{\"createOption\":\"FromImage\"}}}}}}}}",
            i % 10
        ));
        for ty in ["Microsoft.Network/networkInterfaces", "Microsoft.Network/publicIPAddresses"] {
            resources.push(format!(
                "{{\"type\":\"{ty}\",\"apiVersion\":\"2023-04-01\",\"name\":\"[concat('r-', '{i}')]\",\
                 \"location\":\"[parameters('location')]\",\"properties\":{{\"tags\":{{\"n\":\"{i}\"}}}}}}"
            ));
        }
    }
    format!(
        "{{\"$schema\":\"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\
         \"contentVersion\":\"1.0.0.0\",\"parameters\":{{\"location\":{{\"type\":\"string\",\"defaultValue\":\"westeurope\"}}}},\
         \"resources\":[\n{}\n]}}",
        resources.join(",\n")
    )
}
