-- What an alert's title and body are rendered from, so the alerts page shows
-- them in each reader's language and zone (lib/alerts/alert-text.ts).
-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "params" JSONB;
