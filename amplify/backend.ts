import { defineBackend } from '@aws-amplify/backend';
import { auth } from './auth/resource';
import { storage } from './storage/resource';
import { acknowledge, AUTH_ACKNOWLEDGEMENTS, STORAGE_ACKNOWLEDGEMENTS } from './nag-acknowledgements';
import { applyGroupRoleFix, grantAdminConsole, hardenUserPool } from './overrides';

/** Composes the backend; every override lives in ./overrides.ts. */
export const backend = defineBackend({ auth, storage });

hardenUserPool(backend);
applyGroupRoleFix(backend);
grantAdminConsole(backend);
acknowledge(backend.auth.stack, AUTH_ACKNOWLEDGEMENTS);
acknowledge(backend.storage.stack, STORAGE_ACKNOWLEDGEMENTS);
