// The runtime floor for the startup benchmark: a compiled program that prints one line.
console.log("0");
