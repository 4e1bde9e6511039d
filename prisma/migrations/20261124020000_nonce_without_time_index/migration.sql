-- DropIndex
DROP INDEX "Nonce_createdAt_idx";
