export { collidingNames, controlFiles, hostileCases, type ControlFile, type HostileCase, type HostileScale } from './cases';
