import { App } from 'aws-cdk-lib';
import { defineApp } from '../lib/app.js';

defineApp(new App());
