//! Where EventBridge rules are written, read into named patterns that point back at their files.
//!
//! The engine takes a pattern's JSON text; users keep their rules in pattern files, `{name:
//! pattern}` maps, CloudFormation/SAM/CDK templates (JSON or YAML), Serverless Framework services
//! and Terraform modules (or `terraform show -json` output), in folders laid out by convention.
//! Reading those is a job of its own, with its own dependencies (a YAML parser that keeps
//! positions and short-form tags, an HCL parser, MD5 for Serverless' rule names) and its own
//! rules (which file holds what, how a template's intrinsics resolve, what a rule is named).
//!
//! It is a crate of its own because three front ends read the same sources and must read them
//! the same way: the `ferruler` CLI (`check`, `filter --rules`, `cases`, `explain`, `serve`), the
//! Python binding (`ferruler.load_rules`, and `ferruler.spark` on the driver) and the Node binding
//! (`loadRules`; both through [`rules::load_checked`]). A rule that the CLI finds in a template
//! under one name with one pattern is found by Spark under the same name with the same pattern,
//! and a mistake in the template is reported by all of them in the same words at the same line.
//! Nothing here prints, parses arguments or serves HTTP; that stays in the CLI.
//!
//! * [`rules`]: [`rules::Rule`] (a name, its pattern text, the service it filters for, and its
//!   [`rules::Origin`] in the user's file), the discovery of rule files in folders, `{name:
//!   pattern}` maps, and [`rules::load_sources`], the entry point for paths given by a user.
//! * [`template`]: CloudFormation, SAM and CDK templates; `serverless` and `terraform` (private,
//!   reached through [`rules`]) the Serverless Framework and Terraform.
//! * [`failure`]: [`failure::Failure`], a finished `FILE:LINE:COLUMN: error: MESSAGE`.
//! * [`suggest`]: "did you mean ...?" for misspelt keys and rule names.

pub mod failure;
pub mod rules;
mod serverless;
pub mod suggest;
pub mod template;
mod terraform;
