//! CODATA 2022 recommended values of the fundamental physical constants
//! (Tiesinga, Mohr, Newell, Taylor; NIST, 2024): value, standard uncertainty
//! and unit. Constants that the 2019 SI fixes, and those derived from fixed
//! ones only, are exact (uncertainty 0) and computed here at full precision.

use std::f64::consts::PI;
use std::sync::OnceLock;

/// The Python submodule a constant belongs to (dimtensor 5.x layout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Universal,
    Electromagnetic,
    Atomic,
    PhysicoChemical,
    Derived,
}

impl Category {
    pub fn module(self) -> &'static str {
        match self {
            Category::Universal => "universal",
            Category::Electromagnetic => "electromagnetic",
            Category::Atomic => "atomic",
            Category::PhysicoChemical => "physico_chemical",
            Category::Derived => "derived",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Constant {
    /// Python attribute name (`c`, `hbar`, `k_B`).
    pub key: &'static str,
    /// Long attribute names (`speed_of_light`).
    pub aliases: &'static [&'static str],
    /// Display symbol (`ħ`, `μ₀`).
    pub symbol: &'static str,
    /// CODATA name.
    pub name: &'static str,
    pub value: f64,
    /// Standard uncertainty, in `unit`; 0 for exact constants.
    pub uncertainty: f64,
    /// Unit text, parsed by the registry.
    pub unit: &'static str,
    pub category: Category,
}

// Defining constants of the SI (exact).
const C: f64 = 299_792_458.0;
const H: f64 = 6.626_070_15e-34;
const E: f64 = 1.602_176_634e-19;
const K_B: f64 = 1.380_649e-23;
const N_A: f64 = 6.022_140_76e23;

#[allow(clippy::too_many_arguments)]
fn k(
    key: &'static str,
    aliases: &'static [&'static str],
    symbol: &'static str,
    name: &'static str,
    value: f64,
    uncertainty: f64,
    unit: &'static str,
    category: Category,
) -> Constant {
    Constant {
        key,
        aliases,
        symbol,
        name,
        value,
        uncertainty,
        unit,
        category,
    }
}

fn build() -> Vec<Constant> {
    use Category::*;
    let hbar = H / (2.0 * PI);
    let sigma = 2.0 * PI.powi(5) * K_B.powi(4) / (15.0 * H.powi(3) * C * C);
    vec![
        // Universal.
        k(
            "c",
            &["speed_of_light", "speed_of_light_in_vacuum"],
            "c",
            "speed of light in vacuum",
            C,
            0.0,
            "m/s",
            Universal,
        ),
        k(
            "G",
            &[
                "gravitational_constant",
                "newtonian_constant_of_gravitation",
            ],
            "G",
            "Newtonian constant of gravitation",
            6.674_30e-11,
            0.000_15e-11,
            "m^3/(kg*s^2)",
            Universal,
        ),
        k(
            "h",
            &["planck_constant", "planck"],
            "h",
            "Planck constant",
            H,
            0.0,
            "J*s",
            Universal,
        ),
        k(
            "hbar",
            &["reduced_planck_constant", "dirac_constant"],
            "ħ",
            "reduced Planck constant",
            hbar,
            0.0,
            "J*s",
            Universal,
        ),
        k(
            "mu_0",
            &["vacuum_permeability", "magnetic_constant"],
            "μ₀",
            "vacuum magnetic permeability",
            1.256_637_061_27e-6,
            0.000_000_000_20e-6,
            "N/A^2",
            Universal,
        ),
        k(
            "epsilon_0",
            &["vacuum_permittivity", "electric_constant"],
            "ε₀",
            "vacuum electric permittivity",
            8.854_187_818_8e-12,
            0.000_000_001_4e-12,
            "F/m",
            Universal,
        ),
        k(
            "Z_0",
            &[
                "characteristic_impedance_of_vacuum",
                "impedance_of_free_space",
            ],
            "Z₀",
            "characteristic impedance of vacuum",
            376.730_313_412,
            0.000_000_059,
            "ohm",
            Universal,
        ),
        k(
            "K_cd",
            &["luminous_efficacy"],
            "K_cd",
            "luminous efficacy",
            683.0,
            0.0,
            "lm/W",
            Universal,
        ),
        k(
            "delta_nu_Cs",
            &["hyperfine_transition_frequency_of_cs133"],
            "Δν_Cs",
            "hyperfine transition frequency of Cs-133",
            9_192_631_770.0,
            0.0,
            "Hz",
            Universal,
        ),
        // Electromagnetic.
        k(
            "e",
            &["elementary_charge"],
            "e",
            "elementary charge",
            E,
            0.0,
            "C",
            Electromagnetic,
        ),
        k(
            "Phi_0",
            &["magnetic_flux_quantum"],
            "Φ₀",
            "magnetic flux quantum",
            H / (2.0 * E),
            0.0,
            "Wb",
            Electromagnetic,
        ),
        k(
            "G_0",
            &["conductance_quantum"],
            "G₀",
            "conductance quantum",
            2.0 * E * E / H,
            0.0,
            "S",
            Electromagnetic,
        ),
        k(
            "K_J",
            &["josephson_constant"],
            "K_J",
            "Josephson constant",
            2.0 * E / H,
            0.0,
            "Hz/V",
            Electromagnetic,
        ),
        k(
            "R_K",
            &["von_klitzing_constant"],
            "R_K",
            "von Klitzing constant",
            H / (E * E),
            0.0,
            "ohm",
            Electromagnetic,
        ),
        k(
            "mu_B",
            &["bohr_magneton"],
            "μ_B",
            "Bohr magneton",
            9.274_010_065_7e-24,
            0.000_000_002_9e-24,
            "J/T",
            Electromagnetic,
        ),
        k(
            "mu_N",
            &["nuclear_magneton"],
            "μ_N",
            "nuclear magneton",
            5.050_783_739_3e-27,
            0.000_000_001_6e-27,
            "J/T",
            Electromagnetic,
        ),
        // Atomic and nuclear.
        k(
            "alpha",
            &["fine_structure_constant"],
            "α",
            "fine-structure constant",
            7.297_352_564_3e-3,
            0.000_000_001_1e-3,
            "1",
            Atomic,
        ),
        k(
            "m_e",
            &["electron_mass"],
            "mₑ",
            "electron mass",
            9.109_383_713_9e-31,
            0.000_000_002_8e-31,
            "kg",
            Atomic,
        ),
        k(
            "m_p",
            &["proton_mass"],
            "mₚ",
            "proton mass",
            1.672_621_925_95e-27,
            0.000_000_000_52e-27,
            "kg",
            Atomic,
        ),
        k(
            "m_n",
            &["neutron_mass"],
            "mₙ",
            "neutron mass",
            1.674_927_500_56e-27,
            0.000_000_000_85e-27,
            "kg",
            Atomic,
        ),
        k(
            "m_u",
            &["atomic_mass_constant", "atomic_mass_unit"],
            "mᵤ",
            "atomic mass constant",
            1.660_539_068_92e-27,
            0.000_000_000_52e-27,
            "kg",
            Atomic,
        ),
        k(
            "a_0",
            &["bohr_radius"],
            "a₀",
            "Bohr radius",
            5.291_772_105_44e-11,
            0.000_000_000_82e-11,
            "m",
            Atomic,
        ),
        k(
            "R_inf",
            &["rydberg_constant"],
            "R∞",
            "Rydberg constant",
            10_973_731.568_157,
            0.000_012,
            "1/m",
            Atomic,
        ),
        k(
            "E_h",
            &["hartree_energy"],
            "E_h",
            "Hartree energy",
            4.359_744_722_206_0e-18,
            0.000_000_000_004_8e-18,
            "J",
            Atomic,
        ),
        k(
            "r_e",
            &["classical_electron_radius"],
            "rₑ",
            "classical electron radius",
            2.817_940_320_5e-15,
            0.000_000_001_3e-15,
            "m",
            Atomic,
        ),
        // Physico-chemical.
        k(
            "N_A",
            &["avogadro_constant", "avogadro"],
            "N_A",
            "Avogadro constant",
            N_A,
            0.0,
            "1/mol",
            PhysicoChemical,
        ),
        k(
            "k_B",
            &["boltzmann_constant", "boltzmann"],
            "k_B",
            "Boltzmann constant",
            K_B,
            0.0,
            "J/K",
            PhysicoChemical,
        ),
        k(
            "R",
            &["molar_gas_constant", "gas_constant"],
            "R",
            "molar gas constant",
            N_A * K_B,
            0.0,
            "J/(mol*K)",
            PhysicoChemical,
        ),
        k(
            "F",
            &["faraday_constant", "faraday"],
            "F",
            "Faraday constant",
            N_A * E,
            0.0,
            "C/mol",
            PhysicoChemical,
        ),
        k(
            "sigma",
            &["stefan_boltzmann_constant", "stefan_boltzmann"],
            "σ",
            "Stefan-Boltzmann constant",
            sigma,
            0.0,
            "W/(m^2*K^4)",
            PhysicoChemical,
        ),
        k(
            "b",
            &["wien_wavelength_displacement_constant", "wien"],
            "b",
            "Wien wavelength displacement law constant",
            2.897_771_955e-3,
            0.0,
            "m*K",
            PhysicoChemical,
        ),
        k(
            "V_m",
            &["molar_volume_ideal_gas"],
            "V_m",
            "molar volume of ideal gas (273.15 K, 101.325 kPa)",
            N_A * K_B * 273.15 / 101_325.0,
            0.0,
            "m^3/mol",
            PhysicoChemical,
        ),
        // Derived: Planck units and conventional standard values.
        k(
            "l_P",
            &["planck_length"],
            "l_P",
            "Planck length",
            1.616_255e-35,
            0.000_018e-35,
            "m",
            Derived,
        ),
        k(
            "m_P",
            &["planck_mass"],
            "m_P",
            "Planck mass",
            2.176_434e-8,
            0.000_024e-8,
            "kg",
            Derived,
        ),
        k(
            "t_P",
            &["planck_time"],
            "t_P",
            "Planck time",
            5.391_247e-44,
            0.000_060e-44,
            "s",
            Derived,
        ),
        k(
            "T_P",
            &["planck_temperature"],
            "T_P",
            "Planck temperature",
            1.416_784e32,
            0.000_016e32,
            "K",
            Derived,
        ),
        k(
            "g_n",
            &["standard_gravity", "standard_acceleration_of_gravity"],
            "gₙ",
            "standard acceleration of gravity",
            9.806_65,
            0.0,
            "m/s^2",
            Derived,
        ),
        k(
            "atm",
            &["standard_atmosphere"],
            "atm",
            "standard atmosphere",
            101_325.0,
            0.0,
            "Pa",
            Derived,
        ),
    ]
}

/// The table, built on first use.
pub fn codata() -> &'static [Constant] {
    static TABLE: OnceLock<Vec<Constant>> = OnceLock::new();
    TABLE.get_or_init(build)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse::parse;

    #[test]
    fn every_unit_parses_and_keys_are_unique() {
        let mut keys = std::collections::HashSet::new();
        for c in codata() {
            parse(c.unit).unwrap_or_else(|e| panic!("{}: {e}", c.key));
            assert!(keys.insert(c.key), "duplicate {}", c.key);
            for a in c.aliases {
                assert!(keys.insert(a), "duplicate alias {a}");
            }
            assert!(c.value.is_finite() && c.uncertainty >= 0.0);
        }
    }

    #[test]
    fn exact_relations_hold() {
        let get = |k: &str| codata().iter().find(|c| c.key == k).unwrap().value;
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        // mu_0 = 4π α ħ / (e² c), to the uncertainty of α.
        let mu0 = 4.0 * PI * get("alpha") * get("hbar") / (E * E * C);
        assert!(rel(mu0, get("mu_0")) < 3e-10);
        // epsilon_0 = 1 / (mu_0 c²) and Z_0 = mu_0 c.
        assert!(rel(1.0 / (get("mu_0") * C * C), get("epsilon_0")) < 1e-10);
        assert!(rel(get("mu_0") * C, get("Z_0")) < 1e-10);
        // Rydberg: R_inf = α² mₑ c / (2h); Bohr radius a₀ = ħ / (mₑ c α).
        assert!(
            rel(
                get("alpha").powi(2) * get("m_e") * C / (2.0 * H),
                get("R_inf")
            ) < 1e-9
        );
        assert!(rel(get("hbar") / (get("m_e") * C * get("alpha")), get("a_0")) < 1e-9);
        // The well-known figures of the exact ones.
        assert!(rel(get("R"), 8.314_462_618) < 1e-10);
        assert!(rel(get("sigma"), 5.670_374_419e-8) < 1e-9);
        assert!(rel(get("F"), 96_485.332_12) < 1e-10);
    }
}
