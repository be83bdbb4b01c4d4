// Tests make certificates with the same code the TLS lab scenarios use.
export * from '../../src/lab/certificates.js';
