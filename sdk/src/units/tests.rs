//! Unit arithmetic: lower bounds for unknown counts and sizes, capacities by measure.

use super::*;

fn g(id: &str, count: Option<u64>, vcpus: Option<u32>) -> Group {
    Group { id: id.into(), count, vcpus, cores: vcpus.map(|v| v / 2) }
}

#[test]
fn an_unknown_size_makes_the_vcpu_total_a_lower_bound() {
    let groups = [g("a", Some(3), Some(4)), g("b", Some(2), None)];
    assert_eq!(need(&groups, Measure::Instances), Some(Amount::exact(5)));
    assert_eq!(need(&groups, Measure::Vcpus), Some(Amount { value: 14, exact: false }));
    assert_eq!(need(&groups, Measure::Vcpus).unwrap().text(), "at least 14");
    assert_eq!(need(&groups[..1], Measure::Cores), Some(Amount::exact(6)));
    assert_eq!(need(&groups, Measure::Hosts), None, "socket pairs are not countable for cloud VMs");
}

#[test]
fn an_unknown_count_is_one_instance_at_least() {
    let groups = [g("a", None, Some(4))];
    assert_eq!(need(&groups, Measure::Vcpus), Some(Amount { value: 4, exact: false }));
}

#[test]
fn node_pairs_round_up() {
    assert_eq!(Amount::exact(6).units(2), Amount::exact(3));
    assert_eq!(Amount::exact(7).units(2), Amount::exact(4));
}

#[test]
fn instance_capacity_goes_first_to_unknown_sizes_then_the_largest() {
    let groups = [g("small", Some(2), Some(2)), g("big", Some(1), Some(16)), g("unknown", Some(1), None)];
    // 2 instances of any size, 4 vCPUs: covers unknown + big by instance, small by vCPU.
    let a = allocate(&groups, &[(Measure::Instances, 2), (Measure::Vcpus, 4)]);
    assert!(a.covered(), "{a:?}");
    let a = allocate(&groups, &[(Measure::Vcpus, 20)]);
    assert_eq!(a.instances(), 1);
    assert!(a.unconfirmed(), "only the unknown size is left: {a:?}");
    assert_eq!(a.short(Measure::Vcpus), Some(Amount { value: 1, exact: false }));
}

#[test]
fn vcpus_are_weighed_a_whole_instance_at_a_time() {
    let a = allocate(&[g("d4", Some(3), Some(4))], &[(Measure::Vcpus, 10)]);
    assert_eq!(a.instances(), 1, "10 vCPUs cover two 4-vCPU VMs, not two and a half");
    assert_eq!(a.short(Measure::Vcpus), Some(Amount::exact(4)));
    assert!(!a.unconfirmed());
}
