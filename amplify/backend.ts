import { defineBackend } from '@aws-amplify/backend';
import { addAdminRestApi } from './api/admin-rest-api';
import { auth } from './auth/resource';
import { adminApi } from './functions/admin-api/resource';
import { storage } from './storage/resource';
import { acknowledge, ADMIN_API_ACKNOWLEDGEMENTS, AUTH_ACKNOWLEDGEMENTS, STORAGE_ACKNOWLEDGEMENTS } from './nag-acknowledgements';
import { applyGroupRoleFix, hardenUserPool, limitPeoplesWrites } from './overrides';

/** Composes the backend; every override lives in ./overrides.ts, the admin REST API in ./api/. */
export const backend = defineBackend({ auth, storage, adminApi });

hardenUserPool(backend);
limitPeoplesWrites(backend);
applyGroupRoleFix(backend);
export const adminRestApi = addAdminRestApi(backend);
acknowledge(backend.auth.stack, AUTH_ACKNOWLEDGEMENTS);
acknowledge(backend.storage.stack, STORAGE_ACKNOWLEDGEMENTS);
acknowledge(backend.adminApi.stack, ADMIN_API_ACKNOWLEDGEMENTS);
acknowledge(adminRestApi.stack, ADMIN_API_ACKNOWLEDGEMENTS);
