//! `loyalty`: test a loyalty program before launch, check it, or replay events.
//!
//! With no arguments it simulates the embedded café hybrid program over a
//! default population (2,000 members, 180 days), prints the table and
//! writes the HTML report to `target/loyalty-report.html`.

use std::process::ExitCode;

use loyalty_core::Engine;
use loyalty_sim::{render, Population, Simulation, CAFE_HYBRID};

mod replay;

const USAGE: &str = "usage: loyalty [COMMAND] [OPTIONS]

Commands:
  simulate (the default)  run a program over a synthetic population through the
                          engine and report whether it works
      --program FILE      the program (default: the embedded café hybrid program)
      --compare FILE      a second program, simulated on the same population
      --members N         members (default 2000)
      --days D            days simulated (default 180)
      --seed S            seed of the population (default 42)
      --json              print the report as JSON instead of a table
      --html FILE         where to write the HTML report (default target/loyalty-report.html)
      --no-html           do not write the HTML report
  check PROGRAM           the program checker's warnings, with JSON paths
      --json              print the JSON envelope instead of a list
  replay                  replay events against a program and print what happened
      --program FILE      the program (default: the embedded café program)
      --events FILE       events, one JSON per line: {\"member\": ID, \"event\": EVENT} or a bare EVENT
                          (default: a sample café day)
      --json              print the raw JSON answer of every event
  help                    this text";

const DEFAULT_HTML: &str = "target/loyalty-report.html";

/// Read a file the user named, with the path in the error.
pub(crate) fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.first().map(String::as_str) {
        None => "simulate".to_owned(),
        // `loyalty --events E.jsonl` (the runner's former interface) still replays.
        Some(a) if a.starts_with("--") && args.iter().any(|a| a == "--events") => {
            "replay".to_owned()
        }
        Some(a) if a.starts_with("--") && a != "--help" => "simulate".to_owned(),
        Some(_) => args.remove(0),
    };
    let result = match command.as_str() {
        "simulate" => simulate_command(args),
        "check" => check_command(args),
        "replay" => replay::parse_args(args).and_then(|o| replay::run(&o)),
        "help" | "--help" | "-h" => Err(String::new()),
        other => Err(format!("unknown command `{other}`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loyalty: {e}");
            if e.starts_with("unknown") || e.contains("needs") {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
            ExitCode::FAILURE
        }
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<String>) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .parse()
        .map_err(|_| format!("{flag}: `{value}` is not a valid number"))
}

fn load(path: Option<&str>) -> Result<Engine, String> {
    let text = match path {
        Some(p) => read(p)?,
        None => CAFE_HYBRID.to_owned(),
    };
    let name = path.unwrap_or("the embedded café hybrid program");
    Engine::from_json(&text).map_err(|e| format!("{name} is not a valid program: {e}"))
}

fn simulate_command(args: Vec<String>) -> Result<(), String> {
    let mut population = Population::default();
    let (mut program, mut other, mut json) = (None, None, false);
    let mut html = Some(DEFAULT_HTML.to_owned());
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--program" => program = Some(args.next().ok_or("--program needs a file")?),
            "--compare" => other = Some(args.next().ok_or("--compare needs a file")?),
            "--members" => population.members = number("--members", args.next())?,
            "--days" => population.days = number("--days", args.next())?,
            "--seed" => population.seed = number("--seed", args.next())?,
            "--json" => json = true,
            "--html" => html = Some(args.next().ok_or("--html needs a file")?),
            "--no-html" => html = None,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if population.days == 0 || population.members == 0 {
        return Err("--members and --days must be at least 1".to_owned());
    }
    // Enrolments spread over the first third of the run, so most members
    // have been in the program long enough to be judged at 90 days.
    population.enrol_days = (population.days / 3).max(1);
    let first = load(program.as_deref())?;
    let second = other.as_deref().map(|p| load(Some(p))).transpose()?;
    if !json {
        for (engine, name) in std::iter::once((&first, program.as_deref()))
            .chain(second.as_ref().map(|e| (e, other.as_deref())))
        {
            print_warnings(engine, name.unwrap_or("café hybrid (embedded)"));
        }
        eprintln!(
            "Simulating {} members for {} days (seed {})...",
            population.members, population.days, population.seed
        );
    }
    let started = std::time::Instant::now();
    let sims: Vec<Simulation> = match &second {
        Some(b) => loyalty_sim::compare(&first, b, &population).into(),
        None => vec![loyalty_sim::simulate(&first, &population)],
    };
    let elapsed = started.elapsed();
    if json {
        println!("{}", render::json(&sims));
    } else {
        println!("{}", render::table(&sims));
        let events: u64 = sims.iter().map(|s| s.events).sum();
        eprintln!(
            "{events} events through the engine in {:.2} s",
            elapsed.as_secs_f64()
        );
    }
    if let Some(path) = html {
        let path = std::path::Path::new(&path);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(path, render::html(&sims))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("HTML report: {}", path.display());
    }
    Ok(())
}

fn print_warnings(engine: &Engine, name: &str) {
    let warnings = engine.check();
    if warnings.is_empty() {
        println!("Checker: no warnings for {name}.\n");
        return;
    }
    println!("Checker: {} warning(s) for {name}:", warnings.len());
    for w in &warnings {
        println!("  {} [{}] {}", w.path, w.code, w.message);
    }
    println!();
}

fn check_command(args: Vec<String>) -> Result<(), String> {
    let (mut path, mut json) = (None, false);
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            "--help" | "-h" => return Err(String::new()),
            _ if path.is_none() && !arg.starts_with("--") => path = Some(arg),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let path = path.ok_or("check needs a program file")?;
    let text = read(&path)?;
    if json {
        println!("{}", loyalty_core::json::check_program(&text));
        return Ok(());
    }
    let engine =
        Engine::from_json(&text).map_err(|e| format!("{path} is not a valid program: {e}"))?;
    print_warnings(&engine, &path);
    Ok(())
}
