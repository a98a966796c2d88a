// Tests that send multicast make their network namespaces with NetworkNamespacePair, which lives
// in a module of its own so that the benchmark (which must not link the allocation counter) can
// use it too.
@_exported import SampleMindNetworkNamespace
