export { assertOutboundUrl, assertPublicAddress, addressRange, isPublicAddress, guardedLookup, BlockedDestinationError, InvalidUrlError } from './ssrf-guard';
export { outboundRequest, OutboundError, type OutboundErrorCode, type OutboundRequest, type OutboundResponse } from './outbound-request';
