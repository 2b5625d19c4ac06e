//! LiteLLM router config → policy. LiteLLM routes on the model group the client asks for, so
//! each group becomes a rule `when = 'meta.route_key == "<group>"'` (the request's model name,
//! declared under `[metadata]`); a group of several deployments becomes a `split` by `weight`;
//! `router_settings.fallbacks` become each rule's `fallbacks`. The group named `default` (else
//! the first) is also the `[default]`.

use super::{model_id, yaml, Imported, ImportedRule};
use crate::catalog::Catalog;
use crate::export::toml_out::q;
use crate::export::Fidelity;
use serde_json::Value;
use std::fmt::Write;

/// A model group: its name, deployments (catalog id, weight) and fallback models.
type Group = (String, Vec<(String, f64)>, Vec<String>);

pub(crate) fn import(text: &str, name: &str, catalog: &Catalog) -> Result<Imported, String> {
    let config = yaml::parse(text)?;
    let list = config
        .get("model_list")
        .and_then(Value::as_array)
        .ok_or("no `model_list`: not a LiteLLM router config")?;
    // Groups in first-seen order with their deployments (catalog id, weight).
    let mut groups: Vec<Group> = Vec::new();
    let mut report = Vec::new();
    for (i, d) in list.iter().enumerate() {
        let Some(g) = d.get("model_name").and_then(Value::as_str) else {
            report.push(ImportedRule {
                rule: format!("model_list[{i}]"),
                from: format!("model_list[{i}]"),
                fidelity: Fidelity::Dropped("no model_name".into()),
            });
            continue;
        };
        let params = d.get("litellm_params");
        let model = params
            .and_then(|p| p.get("model"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let id = d
            .pointer("/model_info/routeplay_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| model_id(catalog, model));
        let Some(id) = id else {
            report.push(ImportedRule {
                rule: g.to_string(),
                from: format!("model_list[{i}]"),
                fidelity: Fidelity::Dropped(format!("model `{model}` is not in the catalog")),
            });
            continue;
        };
        let w = params
            .and_then(|p| p.get("weight"))
            .and_then(Value::as_f64)
            .unwrap_or(1.0);
        match groups.iter_mut().find(|x| x.0 == g) {
            Some(x) => x.1.push((id, w)),
            None => groups.push((g.to_string(), vec![(id, w)], vec![])),
        }
    }
    if groups.is_empty() {
        return Err("no deployment of model_list maps to a catalog model".into());
    }
    let first_model =
        |g: &str, groups: &[Group]| groups.iter().find(|x| x.0 == g).map(|x| x.1[0].0.clone());
    if let Some(Value::Array(fbs)) = config.pointer("/router_settings/fallbacks") {
        for f in fbs {
            if let Value::Object(m) = f {
                for (g, chain) in m {
                    let chain: Vec<String> = chain
                        .as_array()
                        .map(|c| {
                            c.iter()
                                .filter_map(Value::as_str)
                                .filter_map(|x| first_model(x, &groups))
                                .collect()
                        })
                        .unwrap_or_default();
                    if let Some(x) = groups.iter_mut().find(|x| &x.0 == g) {
                        x.2 = chain;
                    }
                }
            }
        }
    }
    let default = groups.iter().position(|g| g.0 == "default").unwrap_or(0);
    let mut body = String::new();
    let write = |body: &mut String, header: &str, g: &Group, when: bool| {
        let _ = writeln!(body, "\n{header}\nname = {}", q(&g.0));
        if when {
            let _ = writeln!(body, "when = 'meta.route_key == {}'", q(&g.0));
        }
        if g.1.len() == 1 {
            let _ = writeln!(body, "model = {}", q(&g.1[0].0));
        } else {
            let a: Vec<String> =
                g.1.iter()
                    .map(|(m, w)| format!("{{ model = {}, weight = {w:?} }}", q(m)))
                    .collect();
            let _ = writeln!(body, "split = [{}]", a.join(", "));
        }
        if !g.2.is_empty() {
            let f: Vec<String> = g.2.iter().map(|m| q(m)).collect();
            let _ = writeln!(body, "fallbacks = [{}]", f.join(", "));
        }
    };
    for g in &groups {
        if g.0.contains('\'') {
            report.push(ImportedRule {
                rule: g.0.clone(),
                from: "model_list".into(),
                fidelity: Fidelity::Dropped("a group name with a quote".into()),
            });
            continue;
        }
        write(&mut body, "[[rule]]", g, true);
        let fidelity = if g.1.len() > 1 {
            Fidelity::Approximate(vec!["several deployments became a split: Routeplay draws per prompt (hash) where LiteLLM shuffles at random by weight".into()])
        } else {
            Fidelity::Exact
        };
        report.push(ImportedRule {
            rule: g.0.clone(),
            from: format!("model_list group `{}`", g.0),
            fidelity,
        });
    }
    let dg = &groups[default];
    write(
        &mut body,
        "[default]",
        &(format!("{} (default)", dg.0), dg.1.clone(), dg.2.clone()),
        false,
    );
    report.push(ImportedRule {
        rule: format!("{} (default)", dg.0),
        from: format!("model_list group `{}`", dg.0),
        fidelity: Fidelity::Exact,
    });
    let head = format!(
        "# Imported from a LiteLLM config by `routeplay import --from litellm`.\nname = {}\ndescription = \"Imported from a LiteLLM router config: one rule per model group, chosen by the model the client asks for (meta.route_key).\"\n\n[metadata]\nroute_key = \"\"\n",
        q(name)
    );
    let notes = vec![
        "LiteLLM routes on the model group the client requests: each group is a rule on meta.route_key; routing strategies, retries and cooldowns have no policy equivalent and were not imported".to_string(),
        format!("the [default] is group `{}` (a group named `default`, else the first)", dg.0),
    ];
    Ok(Imported {
        policy: head + &body,
        rules: report,
        notes,
    })
}
