export { collidingNames, controlFiles, hostileCases, type ControlFile, type HostileCase, type HostileScale } from './cases';
export { writeZip, type ZipPart } from './zip-writer';
