//! An offline AMI catalogue (`--ami-catalog FILE`): the JSON that `aws ec2
//! describe-images` prints, so that opaque AMI ids in plans and templates get a name,
//! an owner and billing codes without any network access.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::classify::AwsImage;
use crate::{Error, ErrorKind, Phase};

/// One image as `describe-images` describes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AmiInfo {
    /// `ami-…`.
    pub image_id: String,
    /// The AMI name.
    #[serde(default)]
    pub name: Option<String>,
    /// The owner account.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// `Red Hat Enterprise Linux`, `Red Hat BYOL Linux`, …
    #[serde(default)]
    pub platform_details: Option<String>,
    /// `RunInstances:0010`, …
    #[serde(default)]
    pub usage_operation: Option<String>,
}

impl AmiInfo {
    /// The fields the AWS classifier reads.
    pub fn as_aws(&self) -> AwsImage<'_> {
        AwsImage {
            name: self.name.as_deref(),
            owner: self.owner_id.as_deref(),
            usage_operation: self.usage_operation.as_deref(),
            platform_details: self.platform_details.as_deref(),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum File {
    Output {
        #[serde(rename = "Images")]
        images: Vec<AmiInfo>,
    },
    List(Vec<AmiInfo>),
}

/// AMIs by id.
#[derive(Clone, Debug, Default)]
pub struct AmiCatalog {
    /// The file, as named.
    pub path: String,
    images: HashMap<String, AmiInfo>,
}

impl AmiCatalog {
    /// Reads `describe-images` output (`{"Images": [...]}`) or a bare array of images.
    pub fn load(path: &Path) -> Result<AmiCatalog, Error> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(&shown))?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            let why = format!("not `aws ec2 describe-images` output: {e}");
            Error::new(Phase::Config, ErrorKind::Shape(why)).path(&shown).at(e.line() as u32, e.column() as u32)
        })?;
        let list = match file {
            File::Output { images } | File::List(images) => images,
        };
        Ok(AmiCatalog { path: shown, images: list.into_iter().map(|i| (i.image_id.clone(), i)).collect() })
    }

    /// The image with this id.
    pub fn get(&self, id: &str) -> Option<&AmiInfo> {
        self.images.get(id)
    }
}
